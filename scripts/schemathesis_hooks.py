"""Schemathesis hooks for Lianban's API (SCHEMATHESIS_HOOKS=scripts.schemathesis_hooks):
an upload part is raw bytes of the type tus uses."""
import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")
