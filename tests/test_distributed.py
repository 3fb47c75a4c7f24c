"""The lazy pipeline on a dask.distributed cluster of worker processes equals the threaded run.

Two worker processes with one thread each (``LocalCluster(processes=True)``): every task and
its inputs are pickled to another process, so this catches graphs that only work in shared
memory (unpicklable readers, module-level state, locks). The pipeline is the one of
``test_dask_pipeline.py`` (load -> LST -> risk -> Gi* -> zonal statistics -> cooling) on a
256 x 256 px scene in 128-px chunks (four chunks, so halos cross chunk borders); the reference is the same graph on dask's threaded
scheduler, and the numbers must be identical to float32 round-off.
"""

from __future__ import annotations

import dask
import pytest

distributed = pytest.importorskip("distributed")

from test_dask_pipeline import assert_pipeline_equal, run_pipeline  # noqa: E402


@pytest.fixture(scope="module")
def small_scene(tmp_path_factory):
    from uhi.synthetic import make_scene

    return make_scene("Sofia", shape=(256, 256), out=tmp_path_factory.mktemp("scene"), tile_size=256)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                       memory_limit="2GiB", silence_logs=40)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.mark.slow
def test_local_cluster_equals_threaded_scheduler(small_scene, client):
    with dask.config.set(scheduler="threads"):
        threaded = run_pipeline(small_scene, 128)
        reference = {k: (v.compute() if hasattr(v, "compute") else v) for k, v in threaded.items()}
    with distributed.get_task_stream(client) as stream:
        on_cluster = run_pipeline(small_scene, 128)  # the client is the default scheduler here
        assert_pipeline_equal(on_cluster, reference)  # computes on the cluster
    # the work ran in both worker processes, not in this one
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2, workers
