"""One module per resource."""

# The bid-file comparison pages ride on the pages' router, which app.py includes, so that they are served
# (and found by the scope × role × route tests) without another line in app.py.
from yunshao.serving.api.routes import document_pages, pages

pages.router.include_router(document_pages.router)
