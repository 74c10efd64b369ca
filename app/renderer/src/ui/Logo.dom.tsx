// Pigeon's mark, drawn here so no emoji font is needed (Linux desktops often lack one).
export function Logo(props: { size?: number }) {
  const size = props.size ?? 56
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <circle cx="32" cy="32" r="30" fill="var(--accent)" opacity="0.14" />
      <path
        d="M14 38c6-1 11-4 15-9l4-6c2-3 6-5 10-4 3 1 5 3 6 6l5 1-5 3c0 8-6 14-15 15-7 1-14-1-20-6z"
        fill="var(--accent)"
      />
      <path d="M27 33c4 0 9-2 12-6-1 6-6 10-13 11z" fill="var(--panel)" opacity="0.9" />
      <circle cx="44" cy="25" r="1.8" fill="var(--panel)" />
    </svg>
  )
}
