// Placeholder: the stress driver is being written.
import Pool
