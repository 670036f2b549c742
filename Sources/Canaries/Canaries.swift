// Placeholder: the canaries module is being written.
import Pool
