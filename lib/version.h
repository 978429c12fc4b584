/* version.h: the version every program reports. */
#ifndef CHAM_VERSION_H
#define CHAM_VERSION_H

#define CHAM_VERSION "0.1.0"

#endif
