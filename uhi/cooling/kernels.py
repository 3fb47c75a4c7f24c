"""Convolution kernels of the InVEST Urban Cooling Model and NaN-aware FFT convolution.

Kernel construction follows ``pygeoprocessing.kernels.create_distance_decay_kernel``
[pygeoprocessing]: distances are Euclidean in *pixels* from the centre pixel, the kernel's
apothem is ``floor(max_distance)``, pixels with ``dist <= max_distance`` are kept
(the boundary pixel is included) and the normalised kernels are divided by their sum.

* exponential decay: ``exp(-dist / d)`` truncated at ``max_distance = 5 d``, normalised
  (``pygeoprocessing.kernels.exponential_decay_kernel`` as called by InVEST UCM [invest-code]);
* dichotomous (disc): 1 where ``dist <= d``, not normalised
  (``pygeoprocessing.kernels.dichotomous_kernel`` [pygeoprocessing]).

Convolutions are done by FFT (:class:`FFTConvolver`): float32 transforms of fast sizes
(``scipy.fft.next_fast_len``) with all cores, kernel spectra built once per size from the kernels' mirror
symmetry, one forward transform shared by every kernel applied to the same raster, and row strips
(overlap-save) only for rasters above ``FULL_FFT_PIXELS``. ``ignore_nodata_and_edges=True`` of
``pygeoprocessing.convolve_2d`` is reproduced by convolving the valid mask alongside the data:
``conv(x*valid, k) / conv(valid, k)``; when a raster has no nodata that denominator comes from the
kernel's 2-D prefix sums instead of an FFT. The disc count ``GA`` is summed exactly from row prefix
sums (:mod:`uhi.cooling._kernels`).
"""

from __future__ import annotations

import math
import os

import numpy as np
import scipy.fft

__all__ = [
    "FFTConvolver",
    "air_mixing",
    "cooling_capacity",
    "decay_pixels",
    "disc_half_widths",
    "disc_kernel",
    "exponential_kernel",
    "heat_mitigation",
    "heat_mitigation_and_mixing",
    "kernel_spectrum",
    "masked_count_convolve",
    "masked_mean_convolve",
]

#: float32 FFT keeps the normalised results within ~1e-6 of float64 (checked in
#: tests/test_cooling_model.py against a float64 direct sum), well inside the 1e-4 target.
_WORKERS = max(1, os.cpu_count() or 1)


def decay_pixels(distance_m: float, cell_m: float) -> int:
    """Kernel distance in whole pixels, ``int(round(distance / cell))`` as in InVEST UCM [invest-code]."""
    return int(np.round(float(distance_m) / float(cell_m)))


def _distance_grid(max_distance: float) -> np.ndarray:
    apothem = math.floor(max_distance)
    r = np.arange(-apothem, apothem + 1, dtype=np.float64)
    return np.hypot(r[:, None], r[None, :])


def exponential_kernel(d_pixels: int) -> np.ndarray:
    """Normalised ``exp(-dist/d)`` kernel truncated at ``5 d`` pixels (float64).

    A distance of 0 pixels gives the identity kernel ``[[1.]]`` (no smoothing).
    """
    if d_pixels <= 0:
        return np.ones((1, 1))
    dist = _distance_grid(5 * d_pixels)
    k = np.where(dist <= 5 * d_pixels, np.exp(-dist / d_pixels), 0.0)
    return k / k.sum()


def disc_kernel(d_pixels: int) -> np.ndarray:
    """Un-normalised dichotomous kernel: 1 where ``dist <= d`` pixels, else 0 (float64)."""
    dist = _distance_grid(max(d_pixels, 0))
    return (dist <= max(d_pixels, 0)).astype(np.float64)



def disc_half_widths(d_pixels: int) -> np.ndarray:
    """Half-widths ``h[dy]`` (``dy = -d..d``) of :func:`disc_kernel`: row ``dy`` holds ``|dx| <= h[dy]``, exactly
    (integer square roots of ``d^2 - dy^2``, the same pixels as ``dist <= d``)."""
    d = max(int(d_pixels), 0)
    return np.array([math.isqrt(d * d - dy * dy) for dy in range(-d, d + 1)], dtype=np.int64)


def prefix_table(k: np.ndarray) -> np.ndarray:
    """``P[a, b] = sum(k[:a, :b])`` (float64), the table behind the all-valid denominators ``conv(ones, k)``."""
    P = np.zeros((k.shape[0] + 1, k.shape[1] + 1))
    P[1:, 1:] = np.asarray(k, dtype=np.float64).cumsum(0).cumsum(1)
    return P


#: Rasters up to this many pixels are convolved with one FFT of the whole (padded) raster; larger ones in
#: row strips of ``STRIP_ROWS`` output rows (overlap-save), which bounds the FFT work memory to about
#: ``(STRIP_ROWS + 3 r) x (nx + r)`` complex values whatever the raster height.
FULL_FFT_PIXELS = 8192 * 8192
STRIP_ROWS = 2048


def kernel_spectrum(k: np.ndarray, fshape: tuple[int, int]) -> np.ndarray:
    """Real spectrum (``rfft2`` layout, float32) of a centred kernel with mirror symmetry in both axes.

    The kernel is placed with its centre at index (0, 0) of an ``fshape`` grid (wrapped), so the product
    with a data spectrum is a ``mode="same"`` convolution. Symmetry makes the spectrum real:
    ``K[u, v] = sum_dy cos(2 pi u dy / Fy) R[dy, v]`` with ``R`` the (real) row spectra of the kernel's
    ``r + 1`` distinct rows. That is one small ``rfft`` and one matrix product instead of a full-grid
    FFT, and only half the rows are computed (``K[u] = K[Fy - u]``).
    """
    k = np.asarray(k, dtype=np.float64)
    r = k.shape[0] // 2
    fy, fx = fshape
    rows = np.zeros((r + 1, fx))
    np.add.at(rows, (slice(None), np.arange(-r, r + 1) % fx), k[r:, :])  # wrapped: rows shorter than 2r+1 fold
    R = scipy.fft.rfft(rows, axis=1).real
    weight = np.full(r + 1, 2.0)
    weight[0] = 1.0
    u = np.arange(fy // 2 + 1)
    C = (np.cos((2.0 * np.pi / fy) * np.outer(u, np.arange(r + 1))) * weight).astype(np.float32)
    half = C @ R.astype(np.float32)  # float32 product: ~1e-7 relative, like the float32 transforms
    K = np.empty((fy, fx // 2 + 1), dtype=np.float32)
    K[: fy // 2 + 1] = half
    K[fy // 2 + 1:] = half[1:(fy + 1) // 2][::-1]
    return K


class FFTConvolver:
    """``mode="same"`` zero-padded convolutions of ``shape`` rasters with centred symmetric kernels, by FFT.

    Transform sizes are ``scipy.fft.next_fast_len(n + r)`` (the smallest fast size with no wrap-around:
    a kernel of radius ``r`` needs ``r`` zero rows/columns after the data), float32 in and out, with
    all cores (``scipy.fft`` workers). Kernel spectra are built once per transform size
    (:func:`kernel_spectrum`) and one forward transform serves several kernels (:meth:`convolve`).
    Rasters above ``FULL_FFT_PIXELS`` go in row strips with an ``r``-row halo (overlap-save).
    """

    def __init__(self, shape: tuple[int, int], kernels: dict[str, np.ndarray], *, strip_rows: int | None = None,
                 halo: int = 0):
        self.shape = tuple(int(n) for n in shape)
        self.kernels = {name: np.asarray(k, dtype=np.float64) for name, k in kernels.items()}
        self.r = max(k.shape[0] // 2 for k in self.kernels.values())
        # zero padding after the data keeps the transform's wrap-around out of the result; a caller that drops a
        # halo of >= r pixels on every side (dask's map_overlap) only loses wrapped pixels, so it needs none
        self.pad = 0 if int(halo) >= self.r else self.r
        ny, nx = self.shape
        if strip_rows is None:
            strip_rows = ny if ny * nx <= FULL_FFT_PIXELS else STRIP_ROWS
        step = max(1, int(strip_rows))
        self.strips = [(max(0, o0 - self.r), min(ny, o0 + step + self.r), o0, min(ny, o0 + step)) for o0 in range(0, ny, step)]
        self.fx = scipy.fft.next_fast_len(nx + self.pad, real=True)
        self._spectra: dict = {}

    def _spectrum(self, name: str, fshape) -> np.ndarray:
        key = (name, fshape)
        if key not in self._spectra:
            self._spectra[key] = kernel_spectrum(self.kernels[name], fshape)
        return self._spectra[key]

    def buffer(self) -> tuple[np.ndarray, np.ndarray]:
        """``(buf, view)``: an input array for :meth:`convolve` and its ``shape`` view to fill.

        For a single strip ``buf`` is the zero-padded transform grid itself (no padding copy in the FFT);
        otherwise both are one ``shape`` array.
        """
        if len(self.strips) == 1:
            ny, nx = self.shape
            buf = np.zeros(self._fshape(ny), dtype=np.float32)
            return buf, buf[:ny, :nx]
        buf = np.empty(self.shape, dtype=np.float32)
        return buf, buf

    def _fshape(self, rows: int) -> tuple[int, int]:
        return scipy.fft.next_fast_len(rows + self.pad, real=True), self.fx

    def convolve(self, x: np.ndarray, names) -> list[np.ndarray]:
        """Convolve ``x`` (finite float32 of ``shape``, or a :meth:`buffer`) with each named kernel.

        One forward FFT per strip serves all ``names``. Returns float32 arrays of ``shape`` (for a single
        strip, views into the inverse transform's output).
        """
        ny, nx = self.shape
        names = list(names)
        single = len(self.strips) == 1
        out = [None if single else np.empty((ny, nx), dtype=np.float32) for _ in names]
        with scipy.fft.set_workers(_WORKERS):
            for i0, i1, o0, o1 in self.strips:
                fshape = self._fshape(i1 - i0)
                X = scipy.fft.rfft2(x if x.shape == fshape else x[i0:i1], s=fshape)
                for n, name in enumerate(names):
                    K = self._spectrum(name, fshape)
                    Y = np.multiply(X, K, out=X) if n == len(names) - 1 else X * K
                    # inverse by axes: columns in place, then rows only where output is kept (no padding rows)
                    Y = scipy.fft.ifft(Y, axis=0, overwrite_x=True)
                    y = scipy.fft.irfft(Y[o0 - i0:o1 - i0], n=fshape[1], axis=1)
                    del Y
                    if single:
                        out[n] = y[:, :nx]
                    else:
                        out[n][o0:o1] = y[:, :nx]
        return out


def _masked_convolve(x: np.ndarray, kernel: np.ndarray, dtype, scale: float) -> np.ndarray:
    x = np.asarray(x, dtype=dtype)
    if kernel.size == 1:  # mean of one pixel is the pixel; the count rule gives x * k
        return (x * dtype(scale)).astype(dtype, copy=False)
    invalid = ~np.isfinite(x)
    conv = FFTConvolver(x.shape, {"k": kernel})
    if invalid.any():
        num, den = conv.convolve(np.where(invalid, dtype(0), x).astype(np.float32, copy=False), ["k"]) + conv.convolve(
            (~invalid).astype(np.float32), ["k"])
    else:
        (num,) = conv.convolve(x.astype(np.float32, copy=False), ["k"])
        den = _valid_share_full(x.shape, kernel, np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        res = (num * np.float32(scale) / den).astype(dtype, copy=False)
    res[invalid] = np.nan
    return res


def _valid_share_full(shape, k: np.ndarray, dtype) -> np.ndarray:
    """``conv(ones, k, mode="same")`` of an all-valid raster from the kernel's prefix sums (no FFT)."""
    ny, nx = shape
    r = k.shape[0] // 2
    P = prefix_table(k)
    i, j = np.arange(ny), np.arange(nx)
    rlo, rhi = np.maximum(0, r - i), np.minimum(2 * r, ny - 1 - i + r) + 1
    clo, chi = np.maximum(0, r - j), np.minimum(2 * r, nx - 1 - j + r) + 1
    return (P[np.ix_(rhi, chi)] - P[np.ix_(rlo, chi)] - P[np.ix_(rhi, clo)] + P[np.ix_(rlo, clo)]).astype(dtype)


def masked_mean_convolve(x: np.ndarray, kernel: np.ndarray, *, dtype=np.float32) -> np.ndarray:
    """Kernel-weighted mean of the finite pixels of ``x``: ``conv(x*valid, k) / conv(valid, k)``.

    NaN marks nodata and, in dask halos, the outside of the raster. Pixels that are NaN in
    ``x`` stay NaN in the result (InVEST writes nodata there).
    """
    return _masked_convolve(x, kernel, dtype, 1.0)


def masked_count_convolve(x: np.ndarray, kernel: np.ndarray, *, dtype=np.float32) -> np.ndarray:
    """Un-normalised convolution with the nodata/edge rule ``conv(x*valid, k) * sum(k) / conv(valid, k)``."""
    return _masked_convolve(x, kernel, dtype, float(np.sum(kernel)))


def cooling_capacity(shade, albedo, kc_eti, green, intensity, *, method: int, weights) -> np.ndarray:
    """CC [1] of the five per-pixel parameters (float32; NaN where any is NaN): ``method`` 0 is
    ``w_s shade + w_a albedo + w_e ETI`` with ``kc_eti = kc · ETo / max(ETo)``, 1 is ``1 - building_intensity``."""
    from uhi.cooling._kernels import cooling_capacity_kernel

    arrays = [np.asarray(a, dtype=np.float32) for a in (shade, albedo, kc_eti, green, intensity)]
    out = np.empty(arrays[0].shape, dtype=np.float32)
    w_s, w_a, w_e = (np.float32(w) for w in weights)
    cooling_capacity_kernel(*arrays, int(method), w_s, w_a, w_e, out)
    return out


# --- the model's neighbourhood passes (array layer) -------------------------------------------
_NO_DEN = np.empty((0, 0), dtype=np.float32)


def _park_pass(cc, green, d_px: int, threshold: float, conv: FFTConvolver, extra=()):
    """HM and the mixing-FFT input ``b`` (HM, 0 at nodata; a :meth:`FFTConvolver.buffer`); ``dens``:
    ``conv(valid, k)`` for ``"park"`` and the ``extra`` kernels from one forward FFT of the valid mask,
    or ``None`` when every pixel is valid."""
    from uhi.cooling._kernels import heat_mitigation_kernel, park_inputs_kernel

    cc = np.ascontiguousarray(cc, dtype=np.float32)
    green = np.ascontiguousarray(green, dtype=np.float32)
    a_buf, a = conv.buffer()
    ga = np.empty(cc.shape, dtype=np.float32)
    bad = park_inputs_kernel(cc, green, disc_half_widths(d_px), prefix_table(disc_kernel(d_px)), a, ga)
    (num,) = conv.convolve(a_buf, ["park"])
    del a_buf, a
    dens = None
    if bad:
        names = ["park", *extra]
        v_buf, v = conv.buffer()
        np.isfinite(ga, out=v)
        dens = dict(zip(names, conv.convolve(v_buf, names)))
        del v_buf, v
    hm = np.empty(cc.shape, dtype=np.float32)
    b_buf, b = conv.buffer()
    heat_mitigation_kernel(cc, ga, num, _NO_DEN if dens is None else dens["park"], prefix_table(conv.kernels["park"]),
                           np.float32(threshold), hm, b)
    return hm, b_buf, dens


def _mix_pass(hm, b_buf, conv: FFTConvolver, den, t_ref: float, uhi_max: float):
    from uhi.cooling._kernels import air_mixing_kernel

    (num,) = conv.convolve(b_buf, ["mix"])
    del b_buf
    out = np.empty(hm.shape, dtype=np.float32)
    air_mixing_kernel(hm, num, _NO_DEN if den is None else den, prefix_table(conv.kernels["mix"]),
                      float(t_ref), float(uhi_max), out)
    return out


def heat_mitigation(cc, green, d_pixels: int, threshold: float, *, halo: int = 0) -> np.ndarray:
    """Heat mitigation index HM of InVEST UCM on arrays (float32, NaN at nodata).

    ``CC_park`` = normalised exponential-kernel (:func:`exponential_kernel` of ``d_pixels``) mean of ``CC·green``
    over valid pixels; ``GA`` = count of green pixels in the disc of radius ``d_pixels`` with the edge rule
    ``conv(g·valid)·sum(disc)/conv(valid)``; ``HM = CC`` where ``CC >= CC_park`` or ``GA < threshold`` [pixels],
    else ``CC_park``. ``cc``/``green``: NaN marks nodata (and, in dask halos, the outside of the raster).
    Cost: one forward and one inverse full-grid FFT (two more with nodata) and one exact disc count.
    ``halo``: pixels the caller drops on every side (a dask block's overlap); from ``5 d_pixels`` on, the
    transforms need no zero padding.
    """
    d_pixels = int(d_pixels)
    conv = FFTConvolver(np.shape(cc), {"park": exponential_kernel(d_pixels)}, halo=halo)
    return _park_pass(cc, green, d_pixels, threshold, conv)[0]


def air_mixing(hm, r_pixels: int, t_ref: float, uhi_max: float, *, halo: int = 0) -> np.ndarray:
    """Air temperature after mixing [degC]: ``T_ref + UHI_max (1 - mean_k(HM))``, the normalised exponential-kernel
    (radius parameter ``r_pixels``) mean over valid pixels, i.e. the kernel mean of ``T_nomix``. NaN at nodata.
    ``halo`` as in :func:`heat_mitigation`."""
    hm = np.ascontiguousarray(hm, dtype=np.float32)
    valid = np.isfinite(hm)
    conv = FFTConvolver(hm.shape, {"mix": exponential_kernel(int(r_pixels))}, halo=halo)
    den = None if valid.all() else conv.convolve(valid.astype(np.float32), ["mix"])[0]
    b_buf, b = conv.buffer()
    np.copyto(b, hm)
    b[~valid] = 0
    return _mix_pass(hm, b_buf, conv, den, t_ref, uhi_max)


def heat_mitigation_and_mixing(cc, green, d_pixels: int, r_pixels: int, threshold: float, t_ref: float,
                               uhi_max: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`heat_mitigation` then :func:`air_mixing` in one call (in-memory rasters): the two passes share the
    transform size and, with nodata, the forward FFT of the valid mask. Returns ``(hm, t_air)``.

    Full-grid FFTs per run: 4 without nodata (forward + inverse of ``CC·green`` and of HM), 7 with nodata
    (plus the valid mask's forward and its two inverses); the kernel spectra cost one small matrix product each.
    """
    d_pixels, r_pixels = int(d_pixels), int(r_pixels)
    conv = FFTConvolver(np.shape(cc), {"park": exponential_kernel(d_pixels), "mix": exponential_kernel(r_pixels)})
    hm, b, dens = _park_pass(cc, green, d_pixels, threshold, conv, extra=("mix",))
    t_air = _mix_pass(hm, b, conv, None if dens is None else dens["mix"], t_ref, uhi_max)
    return hm, t_air
