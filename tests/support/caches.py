"""Cache settings the tests switch to."""

# A Redis server that is not there: nothing listens on port 1 of the loopback, so every cache
# operation fails within a quarter of a second and is ignored (as in production).
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
