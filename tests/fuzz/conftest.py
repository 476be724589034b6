from tests.isolation.conftest import _isolated, world, world_media  # noqa: F401 - one world
