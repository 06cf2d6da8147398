"""JSON schemas of every stream; common definitions in `common/`."""
