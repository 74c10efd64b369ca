// `pigeon doctor`: each check runs something real and answers in words. A check never
// throws: it returns a finding, so one broken check cannot hide the others.
export type Verdict = 'ok' | 'warn' | 'fail'

export interface Finding {
  check: string
  verdict: Verdict
  /** one sentence a person can act on */
  message: string
}

export function finding(check: string, verdict: Verdict, message: string): Finding {
  return { check, verdict, message }
}
