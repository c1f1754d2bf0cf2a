import IAMTutorCLI

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// `simulate --batch FILE` skips ArgumentParser's start-up; everything else goes through it.
if let status = BatchFastPath.run(Array(CommandLine.arguments.dropFirst())) {
  exit(status)
}
IAMTutorCommand.main()
