"""Publishing results: `data/` as a worktree of a separate branch (e.g. `status-data`) that
every region's job commits its new result files to and pushes, retrying on rejection, and
that the compaction job squashes to one commit so the branch's history stays small."""
