"""The programs that run ON a host, each started with `python -m` there, over one CLI skeleton.

  cli.py             the skeleton: argparse subcommands, one error mapping (one `error:` line)
  dataaug.py         every dataaug host's CLI: items (a build share), compose, versions; runs in
                     the host's target_home, which holds our synced copy of the package
  hostcall.py        how the orchestrator spells a call of dataaug.py on a Host
  unpack.py          the pytorch host's unpacker: verify, unpack and swap in a mixed dataset
  unpack_members.py  its archive checks
  ship.py            the orchestrator's side of the unpacker: the files it needs, sent with
                     Host.put_file, and the command that runs it

The pytorch host has only Python: unpack.py, unpack_members.py, cli.py, this file and
lib/inflight.py import nothing but the standard library (and each other), and ship.py sends them
(with the two package __init__ files above them, which import nothing) as a tree of their own.
"""
