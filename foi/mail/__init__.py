"""Mail in and out: building letters, transports, reading and matching replies."""
