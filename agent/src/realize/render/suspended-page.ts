/** The static page nginx serves, with status 503, for every website of a suspended subscription. */
export const SUSPENDED_PAGE_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Website suspended</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#333}</style>
</head>
<body>
<h1>This website is suspended</h1>
<p>The hosting subscription of this website is currently suspended. If you are its owner, please contact your hosting provider.</p>
</body>
</html>
`;
