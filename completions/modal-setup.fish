complete --keep-order --exclusive --command modal-setup --arguments "(COMPLETE=fish modal-setup -- (commandline --current-process --tokenize --cut-at-cursor) (commandline --current-token))"
