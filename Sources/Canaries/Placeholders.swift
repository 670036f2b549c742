import Pool

// Placeholders so that dependants compile while the real broken variants are written.
// Each is replaced by a file named after the type. Delete a line when its type exists.
