/**
 * Reading and writing the safetensors format: an 8-byte little-endian header length, a JSON header that
 * maps tensor names to dtype, shape and byte offsets, then the raw little-endian tensor data.
 *
 * <p>DJL's own codec copies the whole file into one byte array with int offsets and cannot hold BF16, so
 * this package memory-maps the data region with long offsets and widens F16 and BF16 to float32 in Java.
 */
package dev.topiary.model.safetensors;
