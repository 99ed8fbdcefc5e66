"""dlimgmgr: Invoke/Fabric tasks that turn hand-cut source images into Pascal VOC datasets.

The task modules (dataaug, imglabeling, dlimgmgr, pytorch, shortcuts) are thin glue over the
plain library in ``dlimgmgr_tasks.lib``, which knows nothing of Invoke's command line.
"""
__version__ = "0.1.0"
