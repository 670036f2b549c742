import Glibc
import StressKit

/// A fresh folder under /tmp for one test, removed with everything in it by `remove()`.
struct TemporaryFolder {
    let path: String

    init() {
        var template = Array("/tmp/stress-tests-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed (errno \(errno))")
        path = String(cString: created!)
    }

    /// `path/relative`, with its folders created.
    func file(_ relative: String) -> String {
        let full = path + "/" + relative
        try! FileAccess.createFolders(FileAccess.parentFolder(of: full))
        return full
    }

    /// Writes `text` to `path/relative` (creating folders).
    @discardableResult
    func write(_ text: String, to relative: String) -> String {
        let full = file(relative)
        try! FileAccess.writeAtomically(Array(text.utf8), to: full)
        return full
    }

    func remove() { Self.removeTree(path) }

    /// Depth first, links not followed (removed as links): exactly what is under `folder`.
    static func removeTree(_ folder: String) {
        for entry in FileAccess.entries(of: folder) {
            if entry.isFolder { removeTree(entry.path) } else { unlink(entry.path) }
        }
        rmdir(folder)
    }
}
