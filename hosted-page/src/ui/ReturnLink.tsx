import { toWebUrl } from '../redirect/web-url.ts'

/**
 * The "return to shop" link. The server already keeps `return_url` on the project's hosts;
 * the scheme check here is defence in depth. When framed, it leaves the frame (`_top`).
 */
export function ReturnLink({ url, framed, label }: { url: string | undefined; framed: boolean; label: string }) {
  if (!url || !toWebUrl(url)) return null
  return (
    <a class="button button--secondary" href={url} rel="noopener" target={framed ? '_top' : undefined}>
      {label}
    </a>
  )
}
