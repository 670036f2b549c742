import Glibc

/// A file operation that failed: which one, on which path, and the `errno` it failed with.
public struct FileAccessError: Error, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, _ path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
    }
}

/// The file system as the reports need it, with Glibc calls only: whole-file reads, atomic
/// whole-file writes, a writability check, folders, and a recursive search.
///
/// Contract of `writeAtomically`: at every instant `path` holds either its previous content
/// (or nothing) or the complete new content, never an empty or a truncated file, whatever
/// happens to the process (`_exit` from another thread, SIGKILL, a full disk). The bytes go
/// to `<path>.tmp.<pid>` in the same folder (so that `rename(2)` stays within one file
/// system), are flushed with `fsync`, and only then renamed over `path`. A process killed
/// before the rename leaves at most that temporary file behind, never a broken `path`.
public enum FileAccess {
    /// The temporary file `writeAtomically` writes first; the pid keeps concurrent writers
    /// of the same path (two runs given the same `--json`) from sharing one.
    public static func temporaryPath(for path: String, pid: pid_t = getpid()) -> String {
        "\(path).tmp.\(pid)"
    }

    /// Writes `bytes` to `path` atomically (see the type's contract).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FileAccessError) {
        let temporary = temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileAccessError("create", temporary, code: errno) }
        var failure: FileAccessError?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = FileAccessError("write", temporary, code: errno)
                    return
                }
                offset += written
            }
        }
        // Without the fsync, a crash of the machine (not only of the process) could make the
        // rename durable before the data: an empty report under the final name.
        if failure == nil && fsync(descriptor) != 0 { failure = FileAccessError("flush", temporary, code: errno) }
        if close(descriptor) != 0 && failure == nil { failure = FileAccessError("close", temporary, code: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileAccessError("rename \(temporary) to", path, code: code)
        }
        // The rename itself is durable once the folder is flushed. The report is already
        // complete under its name, so a folder that cannot be flushed costs only durability
        // across a power cut: not worth failing the write for.
        let folder = open(parentFolder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Checks, before a long run, that `writeAtomically(_:to: path)` will be able to write:
    /// `path` is not a folder, and its folder lets us create (and remove) the temporary file.
    /// Then removes any previous file at `path`, so that a run killed before its report
    /// leaves no report at all rather than a stale one from an earlier run.
    public static func prepareForWriting(_ path: String) throws(FileAccessError) {
        var status = stat()
        if stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
            throw FileAccessError("write a report to", path, code: EISDIR)
        }
        let temporary = temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileAccessError("create", temporary, code: errno) }
        close(descriptor)
        unlink(temporary)
        if unlink(path) != 0 && errno != ENOENT { throw FileAccessError("replace", path, code: errno) }
    }

    /// The whole content of a file.
    public static func read(_ path: String) throws(FileAccessError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileAccessError("read", path, code: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileAccessError("read", path, code: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// The content of a text file, or nil when it cannot be read.
    public static func readText(_ path: String) -> String? {
        (try? read(path)).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }

    /// Creates `path` and every missing folder above it (`mkdir -p`).
    public static func createFolders(_ path: String) throws(FileAccessError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw FileAccessError("create the folder", prefix, code: errno) }
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw FileAccessError("create the folder", path, code: ENOTDIR)
        }
    }

    /// Every file named `name` under `root` (at any depth; `root` itself if it is one),
    /// sorted by path. Symbolic links are not followed, so a link cycle cannot loop.
    public static func findFiles(named name: String, under root: String) -> [String] {
        if lastComponent(of: root) == name { return exists(root) ? [root] : [] }
        var found: [String] = []
        var pending = [root]
        while let folder = pending.popLast() {
            for entry in entries(of: folder) {
                if entry.isFolder { pending.append(entry.path) }
                if entry.isRegularFile && lastComponent(of: entry.path) == name { found.append(entry.path) }
            }
        }
        return found.sorted()
    }

    /// The entries of a folder (without "." and ".."), each with its kind as `lstat` sees it:
    /// a symbolic link is neither a folder nor a regular file. Empty if it cannot be read.
    public static func entries(of folder: String) -> [(path: String, isFolder: Bool, isRegularFile: Bool)] {
        guard let stream = opendir(folder) else { return [] }
        defer { closedir(stream) }
        var entries: [(path: String, isFolder: Bool, isRegularFile: Bool)] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            entries.append((path, status.st_mode & S_IFMT == S_IFDIR, status.st_mode & S_IFMT == S_IFREG))
        }
        return entries
    }

    /// `path` made absolute against the working folder, without "." components, doubled or
    /// trailing slashes (".." is kept: resolving it needs the file system).
    public static func absolutePath(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if getcwd(&buffer, buffer.count) != nil {
                full = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
            }
        }
        let components = full.split(separator: "/").filter { $0 != "." }
        return (full.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
    }

    /// The folder part of a path ("." for a bare name).
    public static func parentFolder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of a path.
    public static func lastComponent(of path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.lastIndex(of: "/").map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
    }
}
