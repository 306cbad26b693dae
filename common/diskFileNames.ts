// Names of the runner's disk files, shared by every process that talks about
// them. The native library names a disk file <prefix>-<pid>-<n>.mmap with the
// prefix the runner gives it (mm_config.name_prefix).

/** The product's name: the disk files' prefix. */
export const PRODUCT_NAME = 'memmap-lab';

/** The prefix the runner gives the library for its disk files. */
export const DISK_FILE_PREFIX = PRODUCT_NAME;

/** `<prefix>-<pid>-<n>.mmap`; group 1 is the pid. */
export const DISK_FILE_PATTERN = new RegExp(`^${DISK_FILE_PREFIX}-(\\d+)-\\d+\\.mmap$`);

/** Whether a file name is one the library gives a disk file of this product. */
export function isDiskFileName(name: string): boolean {
  return DISK_FILE_PATTERN.test(name);
}
