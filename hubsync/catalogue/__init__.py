"""Every text a person reads, in German and English, by code, and the one renderer for them.

`text` holds the mechanism (`Text`, `render`, `Lang`); one module per family holds the
texts: `reasons` (why a value or a file was refused), `rows` (row errors and warnings),
`mail` (the summary mail), `console` (what the commands print). The package sits at the
bottom: it imports nothing else of hubsync, so records, errors and every stage may use it.
"""
