"""The fact check's pages, one module a sub-area; factcheck.routes gathers them."""
