"""Tests against a real three-node Redis Cluster (a package, so its conftest has its own name)."""

import pytest

pytest.register_assert_rewrite("cluster.council")
