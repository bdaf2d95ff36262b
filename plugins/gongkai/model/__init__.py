"""The domain: the tree of counties, townships and villages, the fields of every file, periods, fingerprints."""
