import Foundation
import IAMTutor

/// The learner's progress on disk, in the XDG state directory.
///
/// Written after every change to a temporary file that is then renamed over the
/// old one, so a kill at any moment leaves either the old or the new file, never
/// half of one. A corrupt or newer-format file is moved aside, never overwritten.
struct ProgressFile {
  let directory: String
  var path: String { directory + "/progress.json" }
  var historyPath: String { directory + "/history" }

  /// `--state`, then $IAM_TUTOR_STATE, then $XDG_STATE_HOME/iam-tutor, then ~/.local/state/iam-tutor.
  static func directory(_ explicit: String?) -> String {
    let env = ProcessInfo.processInfo.environment
    if let explicit { return explicit }
    if let d = env["IAM_TUTOR_STATE"], !d.isEmpty { return d }
    if let x = env["XDG_STATE_HOME"], x.hasPrefix("/") { return x + "/iam-tutor" }
    let home = env["HOME"] ?? NSHomeDirectory()
    return home + "/.local/state/iam-tutor"
  }

  /// Loads progress; the message (if any) tells the learner what happened to a bad file.
  func load() -> (LearnerProgress, message: String?) {
    guard let data = FileManager.default.contents(atPath: path) else { return (LearnerProgress(), nil) }
    do {
      return (try LearnerProgress.decode(data), nil)
    } catch {
      let stamp = Int(Date().timeIntervalSince1970)
      let suffix: String
      let why: String
      switch error {
      case .corrupt(let detail):
        suffix = "corrupt-\(stamp)"
        why = "it could not be read (\(detail.prefix(120)))"
      case .newerFormat(let v):
        suffix = "format\(v)-\(stamp)"
        why = "it was written by a newer iam-tutor (format \(v))"
      }
      let aside = path + "." + suffix
      do {
        try FileManager.default.moveItem(atPath: path, toPath: aside)
        return (LearnerProgress(), "Your progress file \(path) was set aside as \(aside) because \(why); starting fresh. Nothing was deleted.")
      } catch {
        return (LearnerProgress(), "Your progress file \(path) could not be read because \(why), and could not be moved aside; it is left untouched and progress will not be saved this session.")
      }
    }
  }

  enum SaveError: Error { case failed(String) }

  func save(_ progress: LearnerProgress) throws(SaveError) {
    let fm = FileManager.default
    do {
      try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .failed("cannot create \(directory): \(error.localizedDescription)")
    }
    let temporary = directory + "/.progress.json.\(getpid()).tmp"
    let data = progress.encoded()
    guard fm.createFile(atPath: temporary, contents: data) else {
      throw .failed("cannot write \(temporary)")
    }
    // Flush to disk before the rename makes it the progress file.
    if let handle = FileHandle(forWritingAtPath: temporary) {
      try? handle.synchronize()
      try? handle.close()
    }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw .failed("cannot replace \(path): \(String(cString: strerror(errno)))")
    }
  }
}
