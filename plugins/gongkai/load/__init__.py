"""Reading the data: the YAML files into records, what a build keeps for the next one."""
