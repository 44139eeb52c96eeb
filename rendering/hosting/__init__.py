"""Files the hosts read from the site root.

- `writer`: `write_hosting`, `_headers` and `_redirects` for Netlify and Cloudflare Pages.
"""
