/*
 * lossyfs: a FUSE pass-through file system that can lose power.
 *
 * Every file operation goes straight through to a backing directory, but each change to a file's
 * data (write, truncate) is also remembered with the bytes and size it replaced, until that file
 * is fsynced (fsync or fdatasync): then its memory is dropped, because a real disk would now hold
 * it. Writing anything to the control file "/.power-cut" plays a power loss: every change not yet
 * fsynced is undone, newest first, so the backing directory holds exactly what a disk that honours
 * fsync would hold after the power went out. Directory entries (create, rename, unlink) are kept as
 * they are: only unsynced file data is lost, as in Jepsen's LazyFS default mode.
 *
 * Used by the tests to prove that RockHub acknowledges a write only after it is fsynced (and, as a
 * control, that the relaxed mode does lose the last second). Single-threaded (-s): no locks.
 *
 * Build: gcc -O2 -Wall lossyfs.c $(pkg-config fuse3 --cflags --libs) -o lossyfs
 * Run:   lossyfs <backing-dir> <mountpoint> -f -s
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#define CONTROL "/.power-cut"
#define CONTROL_FH ((uint64_t) -1)

static char backing[PATH_MAX];

/* One change not yet fsynced: the file was size_before long, and old_len bytes at off were old. */
struct change {
    off_t off;
    size_t old_len;
    char *old;
    off_t size_before;
};

/* The unsynced changes of one file (by inode, so renames do not matter), with an fd to undo them. */
struct file_log {
    ino_t ino;
    int fd;
    struct change *changes;
    size_t count, cap;
    struct file_log *next;
};

static struct file_log *logs;
static unsigned long long unsynced_changes_total;

static void full(char *out, const char *path) {
    snprintf(out, PATH_MAX, "%s%s", backing, path);
}

static struct file_log *log_for(int fd, int create) {
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return NULL;
    }
    for (struct file_log *l = logs; l; l = l->next) {
        if (l->ino == st.st_ino) {
            return l;
        }
    }
    if (!create) {
        return NULL;
    }
    struct file_log *l = calloc(1, sizeof *l);
    l->ino = st.st_ino;
    l->fd = dup(fd);
    l->next = logs;
    logs = l;
    return l;
}

/* Remembers what [off, off+len) and the size were before a change made through fd. */
static int remember(int fd, off_t off, size_t len) {
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return -errno;
    }
    struct file_log *l = log_for(fd, 1);
    if (!l) {
        return -EIO;
    }
    size_t old_len = 0;
    if (off < st.st_size) {
        old_len = (size_t) (st.st_size - off) < len ? (size_t) (st.st_size - off) : len;
    }
    char *old = old_len ? malloc(old_len) : NULL;
    if (old_len && pread(fd, old, old_len, off) != (ssize_t) old_len) {
        free(old);
        return -EIO;
    }
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->changes = realloc(l->changes, l->cap * sizeof *l->changes);
    }
    l->changes[l->count++] = (struct change) {off, old_len, old, st.st_size};
    unsynced_changes_total++;
    return 0;
}

static void forget(struct file_log *l) {
    for (size_t i = 0; i < l->count; i++) {
        free(l->changes[i].old);
    }
    l->count = 0;
}

/* The power goes out: every unsynced change is undone, newest first. */
static void power_cut(void) {
    unsigned long long undone = 0, files = 0;
    for (struct file_log *l = logs; l; l = l->next) {
        if (l->count) {
            files++;
        }
        for (size_t i = l->count; i-- > 0;) {
            struct change *c = &l->changes[i];
            if (ftruncate(l->fd, c->size_before) != 0
                    || (c->old_len && pwrite(l->fd, c->old, c->old_len, c->off) != (ssize_t) c->old_len)) {
                fprintf(stderr, "lossyfs: undo failed: %s\n", strerror(errno));
            }
            undone++;
        }
        forget(l);
    }
    fprintf(stderr, "lossyfs: power cut: %llu unsynced changes in %llu files undone\n", undone, files);
}

static int lfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void) fi;
    if (strcmp(path, CONTROL) == 0) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFREG | 0666;
        st->st_nlink = 1;
        return 0;
    }
    char p[PATH_MAX];
    full(p, path);
    return lstat(p, st) == 0 ? 0 : -errno;
}

static int lfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                       enum fuse_readdir_flags flags) {
    (void) off;
    (void) fi;
    (void) flags;
    char p[PATH_MAX];
    full(p, path);
    DIR *d = opendir(p);
    if (!d) {
        return -errno;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st = {0};
        st.st_ino = e->d_ino;
        st.st_mode = e->d_type << 12;
        if (fill(buf, e->d_name, &st, 0, 0)) {
            break;
        }
    }
    closedir(d);
    return 0;
}

static int lfs_mkdir(const char *path, mode_t mode) {
    char p[PATH_MAX];
    full(p, path);
    return mkdir(p, mode) == 0 ? 0 : -errno;
}

static int lfs_unlink(const char *path) {
    char p[PATH_MAX];
    full(p, path);
    return unlink(p) == 0 ? 0 : -errno;
}

static int lfs_rmdir(const char *path) {
    char p[PATH_MAX];
    full(p, path);
    return rmdir(p) == 0 ? 0 : -errno;
}

static int lfs_rename(const char *from, const char *to, unsigned int flags) {
    if (flags) {
        return -EINVAL;
    }
    char a[PATH_MAX], b[PATH_MAX];
    full(a, from);
    full(b, to);
    return rename(a, b) == 0 ? 0 : -errno;
}

static int lfs_link(const char *from, const char *to) {
    char a[PATH_MAX], b[PATH_MAX];
    full(a, from);
    full(b, to);
    return link(a, b) == 0 ? 0 : -errno;
}

static int lfs_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    if (strcmp(path, CONTROL) == 0) {
        return 0;
    }
    int fd = fi ? (int) fi->fh : -1;
    int own = 0;
    if (fd < 0) {
        char p[PATH_MAX];
        full(p, path);
        fd = open(p, O_RDWR);
        if (fd < 0) {
            return -errno;
        }
        own = 1;
    }
    struct stat st;
    int r = fstat(fd, &st) == 0 ? 0 : -errno;
    if (r == 0 && size < st.st_size) {
        r = remember(fd, size, (size_t) (st.st_size - size));
    } else if (r == 0) {
        r = remember(fd, st.st_size, 0);
    }
    if (r == 0 && ftruncate(fd, size) != 0) {
        r = -errno;
    }
    if (own) {
        close(fd);
    }
    return r;
}

/* Write-only opens are made read-write: a change must read what it replaces. */
static int readable(int flags) {
    return (flags & O_ACCMODE) == O_WRONLY ? (flags & ~O_ACCMODE) | O_RDWR : flags;
}

static int lfs_open(const char *path, struct fuse_file_info *fi) {
    if (strcmp(path, CONTROL) == 0) {
        fi->fh = CONTROL_FH;
        return 0;
    }
    char p[PATH_MAX];
    full(p, path);
    int fd = open(p, readable(fi->flags & ~O_TRUNC));
    if (fd < 0) {
        return -errno;
    }
    if (fi->flags & O_TRUNC) {
        int r = remember(fd, 0, SIZE_MAX);
        if (r != 0 || ftruncate(fd, 0) != 0) {
            close(fd);
            return r ? r : -errno;
        }
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int lfs_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    char p[PATH_MAX];
    full(p, path);
    int fd = open(p, readable(fi->flags), mode);
    if (fd < 0) {
        return -errno;
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int lfs_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    if (fi->fh == CONTROL_FH) {
        return 0;
    }
    ssize_t n = pread((int) fi->fh, buf, size, off);
    return n < 0 ? -errno : (int) n;
}

static int lfs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void) path;
    if (fi->fh == CONTROL_FH) {
        power_cut();
        return (int) size;
    }
    int fd = (int) fi->fh;
    int r = remember(fd, off, size);
    if (r != 0) {
        return r;
    }
    ssize_t n = pwrite(fd, buf, size, off);
    return n < 0 ? -errno : (int) n;
}

static int lfs_statfs(const char *path, struct statvfs *st) {
    char p[PATH_MAX];
    full(p, path);
    return statvfs(p, st) == 0 ? 0 : -errno;
}

static int lfs_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    if (fi->fh != CONTROL_FH) {
        close((int) fi->fh);
    }
    return 0;
}

/* fsync and fdatasync: the file's data is on the disk now, nothing of it can be lost any more. */
static int lfs_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void) path;
    if (fi->fh == CONTROL_FH) {
        return 0;
    }
    int fd = (int) fi->fh;
    if ((datasync ? fdatasync(fd) : fsync(fd)) != 0) {
        return -errno;
    }
    struct file_log *l = log_for(fd, 0);
    if (l) {
        forget(l);
    }
    return 0;
}

static int lfs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void) path;
    if (fi->fh == CONTROL_FH) {
        return -EOPNOTSUPP;
    }
    int fd = (int) fi->fh;
    int r = remember(fd, off, 0);
    if (r != 0) {
        return r;
    }
    return fallocate(fd, mode, off, len) == 0 ? 0 : -errno;
}

static int lfs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    (void) fi;
    if (strcmp(path, CONTROL) == 0) {
        return 0;
    }
    char p[PATH_MAX];
    full(p, path);
    return utimensat(AT_FDCWD, p, tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int lfs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    (void) fi;
    char p[PATH_MAX];
    full(p, path);
    return chmod(p, mode) == 0 ? 0 : -errno;
}

static int lfs_access(const char *path, int mask) {
    if (strcmp(path, CONTROL) == 0) {
        return 0;
    }
    char p[PATH_MAX];
    full(p, path);
    return access(p, mask) == 0 ? 0 : -errno;
}

static void *lfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->use_ino = 1;
    /* Every read and attribute comes from the daemon: nothing stale in the kernel after a cut. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->direct_io = 0;
    return NULL;
}

static void lfs_destroy(void *data) {
    (void) data;
    fprintf(stderr, "lossyfs: unmounted after %llu remembered changes\n", unsynced_changes_total);
}

static const struct fuse_operations ops = {
    .init = lfs_init,
    .destroy = lfs_destroy,
    .getattr = lfs_getattr,
    .readdir = lfs_readdir,
    .mkdir = lfs_mkdir,
    .unlink = lfs_unlink,
    .rmdir = lfs_rmdir,
    .rename = lfs_rename,
    .link = lfs_link,
    .truncate = lfs_truncate,
    .open = lfs_open,
    .create = lfs_create,
    .read = lfs_read,
    .write = lfs_write,
    .statfs = lfs_statfs,
    .release = lfs_release,
    .fsync = lfs_fsync,
    .fallocate = lfs_fallocate,
    .utimens = lfs_utimens,
    .chmod = lfs_chmod,
    .access = lfs_access,
};

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s <backing-dir> <mountpoint> [fuse options]\n", argv[0]);
        return 2;
    }
    if (!realpath(argv[1], backing)) {
        perror(argv[1]);
        return 2;
    }
    /* FUSE takes the arguments after the backing directory. */
    argv[1] = argv[0];
    return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
