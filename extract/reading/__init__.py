"""Reading documents: an attachment or a body into text, page by page, in a sandboxed worker."""
