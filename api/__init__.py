"""The IKO API: thin DRF views, authentication, permissions, serializers and problem details."""
