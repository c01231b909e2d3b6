"""The OpenAPI schema's view of the portal's permissions (drf-spectacular)."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

from marketplace.api import PublicReadOnly


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, which recognises only DRF's own open permissions:
    an operation that ``PublicReadOnly`` lets anyone use (a read) also lists the empty
    security requirement ``{}``, so clients know it works without credentials."""

    def get_auth(self):
        auths = super().get_auth()
        public = any(
            isinstance(permission, PublicReadOnly)
            for permission in self.view.get_permissions()
        )
        if public and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths
