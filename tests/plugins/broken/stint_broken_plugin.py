"""A plugin that fails on import: stint must report it in one line and carry on."""

raise ImportError("this plugin needs a module that is not installed")
