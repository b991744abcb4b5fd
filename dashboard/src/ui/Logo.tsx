/** The EPay mark (decorative; the brand name is text beside it). */
export function Logo() {
  return (
    <svg width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect width="24" height="24" rx="6" fill="#1f4fd1" />
      <path d="M7 7h10v2.4H9.7v1.5h6.1v2.3H9.7v1.4H17V17H7z" fill="#fff" />
    </svg>
  )
}
