"""The build engine's parts; :mod:`pakketbuild.build` conducts them.

* :mod:`~pakketbuild.engine.plan`: every writer's jobs, checked, with their cache keys.
* :mod:`~pakketbuild.engine.schedule`: which process renders which job; how many
  processes a build may use.
* :mod:`~pakketbuild.engine.staging`: placing files in the staging folder (linked,
  copied from the cache or written) and the records that become the manifest.
* :mod:`~pakketbuild.engine.workers`: the process pool and the forked helpers.
* :mod:`~pakketbuild.engine.publish`: the atomic swap, leftovers, the lock, signals.

None of them names a format: what they need to know about one is in
:data:`pakketbuild.writers.FORMATS`.
"""
