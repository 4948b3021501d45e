const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML: candidate names and test names come from outside. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A minimal page; `script` runs inline and must only contain trusted, escaped values. */
export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
dt{font-weight:600}dd{margin:0 0 .6rem}button{font-size:1rem;padding:.4rem 1rem}.note{color:#666;font-size:.9rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** A button that POSTs JSON to a sandbox control route, then reloads the page. */
export function actionScript(): string {
  return `async function act(url, body){const r=await fetch(url,{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(body||{})});if(!r.ok){alert((await r.json()).message||r.status);}location.reload();}`;
}
