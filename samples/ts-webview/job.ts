/** Sample job with a webview: a small page served at /api/v1/webview/, assets from static/. */
export default class Greeter {
  /**
   * Greet someone.
   * @param name who to greet
   */
  perform(name = 'world'): string {
    return `Hello, ${name}!`;
  }

  /** Returns a fetch handler; `baseUrl` is where the page is published through PUB. */
  webviewApp(baseUrl: string) {
    return async (request: Request): Promise<Response> => {
      const path = new URL(request.url).pathname.slice(baseUrl.length);
      if (request.method === 'POST' && path === '/greet') {
        const { name } = (await request.json()) as { name?: string };
        return Response.json({ greeting: this.perform(name) });
      }
      const page = `<!doctype html>
<html><head><title>Greeter</title><link rel="stylesheet" href="${baseUrl}/static/style.css"></head>
<body><h1>Greeter</h1><input id="name" value="world"><button id="go">Greet</button><p id="out"></p>
<script>
document.getElementById('go').onclick = async () => {
  const response = await fetch('${baseUrl}/greet', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: document.getElementById('name').value }) });
  document.getElementById('out').textContent = (await response.json()).greeting;
};
</script></body></html>`;
      return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    };
  }
}
