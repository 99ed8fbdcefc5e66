"""Notebooks on the dataaug host: JupyterLab there, reached over SSH, and notebooks in git without outputs.

  outputs.py   committed notebooks that hold outputs (`inv dlimgmgr.check` warns, naming each)
  venv.py      target_home/.venv-notebook (JupyterLab, pinned in scripts/requirements-notebook.txt)
  forward.py   a local port forwarded to 127.0.0.1:PORT on an SSH host (paramiko direct-tcpip)
  server.py    start JupyterLab in target_home bound to 127.0.0.1, its URL, and stop it
"""
