"""extract package: documents to text to answers."""

# Bump it whenever a change to extract/ can read different answers from the same pages: the
# next `foi extract` then reads every replied request again (`foi extract --all` does so
# without a bump). Each request's answers record the version that read them.
READER_VERSION = "3"
