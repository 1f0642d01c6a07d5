// L4: a CSV download from a route that answers `format=csv` with a 303 to the streaming export (a
// short-lived token in its query). A plain link cannot send the bearer token, so the request is made
// here; once the redirect is followed and the headers are in, the body is left to the browser: the
// export URL is opened as a download, streaming instead of being held in memory.
export async function downloadCsv(apiUrl: string, token: string, pathAndQuery: string): Promise<void> {
  const abort = new AbortController();
  const sep = pathAndQuery.includes('?') ? '&' : '?';
  const res = await fetch(`${apiUrl}${pathAndQuery}${sep}format=csv`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  abort.abort();
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const a = document.createElement('a');
  a.href = res.url;
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}
