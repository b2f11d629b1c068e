// The `sluice` command line (SPEC §1). Exit codes: 0 success, 1 config or runtime error, 2 usage error.
import Glibc

exit(await SluiceCommandLine.run(Array(CommandLine.arguments.dropFirst())))
