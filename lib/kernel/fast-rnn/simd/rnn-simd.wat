;; SIMD element-wise steps of the LSTM, GRU and SimpleRNN (tanh activation; hardSigmoid — the tfjs
;; default — or sigmoid recurrent activation, chosen by $rk: 1 sigmoid, else hardSigmoid) over the
;; tfjs wasm backend's own memory. Pointers are byte offsets into that memory; u4 = 4·units bytes
;; (one gate block of a row); units must be a multiple of 4.
;; Generated into rnn-simd-wasm.ts by build-simd.mjs (npm package wabt, dev only).
(module
  (import "env" "memory" (memory 1))

  ;; Eigen's float32 rational tanh: clamp, odd degree-13 / even degree-6 polynomials, |x| < 4e-4 -> x
  (func $tanh4 (param $x v128) (result v128)
    (local $c v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $c (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805)))
    (local.set $x2 (f32x4.mul (local.get $c) (local.get $c)))
    (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16) (local.get $x2)) (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $x2)) (v128.const f32x4 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03)))
    (local.set $p (f32x4.mul (local.get $p) (local.get $c)))
    (local.set $q (f32x4.add (f32x4.mul (v128.const f32x4 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06) (local.get $x2)) (v128.const f32x4 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (v128.const f32x4 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $x2)) (v128.const f32x4 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03)))
    (v128.bitselect
      (local.get $x)
      (f32x4.div (local.get $p) (local.get $q))
      (f32x4.lt (f32x4.abs (local.get $x)) (v128.const f32x4 0.0004 0.0004 0.0004 0.0004))))

  ;; tfjs hardSigmoid in float32: clip(0.5 + 0.2·x, 0, 1)
  (func $hsig4 (param $x v128) (result v128)
    (f32x4.min (f32x4.max (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0.2 0.2 0.2 0.2)) (v128.const f32x4 0.5 0.5 0.5 0.5)) (v128.const f32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))

  ;; its derivative from the output: 0.2 where 0 < y < 1
  (func $dhsig4 (param $y v128) (result v128)
    (v128.and (v128.const f32x4 0.2 0.2 0.2 0.2) (v128.and (f32x4.gt (local.get $y) (v128.const f32x4 0 0 0 0)) (f32x4.lt (local.get $y) (v128.const f32x4 1 1 1 1)))))

  ;; Cephes-style float32 exp: 2^n · p(r), r = x − n·ln2, n = round(x·log2 e). x is clamped to
  ;; [−87.33654, 88] so that n stays in [−126, 127] (a normal exponent; beyond, the sigmoid is 0 or 1
  ;; to float32 precision anyway).
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654)) (v128.const f32x4 88 88 88 88)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
                             (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500E-4 1.9875691500E-4 1.9875691500E-4 1.9875691500E-4) (local.get $r)) (v128.const f32x4 1.3981999507E-3 1.3981999507E-3 1.3981999507E-3 1.3981999507E-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073E-3 8.3334519073E-3 8.3334519073E-3 8.3334519073E-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894E-2 4.1665795894E-2 4.1665795894E-2 4.1665795894E-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459E-1 1.6666665459E-1 1.6666665459E-1 1.6666665459E-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201E-1 5.0000001201E-1 5.0000001201E-1 5.0000001201E-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    ;; scale by 2^n through the exponent bits
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; the recurrent activation: kind 1 = sigmoid, otherwise hardSigmoid
  (func $rec4 (param $x v128) (param $kind i32) (result v128)
    (if (result v128) (i32.eq (local.get $kind) (i32.const 1))
      (then (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $x))))))
      (else (call $hsig4 (local.get $x)))))

  ;; its derivative from the output y
  (func $drec4 (param $y v128) (param $kind i32) (result v128)
    (if (result v128) (i32.eq (local.get $kind) (i32.const 1))
      (then (f32x4.mul (local.get $y) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $y))))
      (else (call $dhsig4 (local.get $y)))))

  ;; apply $rec4 in place over [p, p+n) bytes
  (func $recRange (param $p i32) (param $n i32) (param $kind i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $p) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (v128.store (local.get $p) (call $rec4 (v128.load (local.get $p)) (local.get $kind)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next))))

  ;; apply $hsig4 or $tanh4 in place over [p, p+n) bytes
  (func $hsigRange (param $p i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $p) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (v128.store (local.get $p) (call $hsig4 (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next))))

  (func $tanhRange (param $p i32) (param $n i32)
    (local $e i32)
    (local.set $e (i32.add (local.get $p) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (v128.store (local.get $p) (call $tanh4 (v128.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next))))

  ;; One batch row of one forward step. xr, zr (h·R, read only when hasRec), bias: 4 gate blocks;
  ;; cp: previous carry; gr: gates out [i f g o]; co, tco, ho: carry, tanh(carry), h out.
  (func (export "lstmFwdRow")
    (param $xr i32) (param $zr i32) (param $bias i32) (param $cp i32) (param $gr i32)
    (param $co i32) (param $tco i32) (param $ho i32) (param $u4 i32) (param $hasRec i32) (param $rk i32)
    (local $k i32) (local $n i32) (local $z v128) (local $t v128)
    (local.set $n (i32.shl (local.get $u4) (i32.const 2)))
    ;; stock order: (x·K + h·R) + bias
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
      (local.set $z (v128.load (i32.add (local.get $xr) (local.get $k))))
      (if (local.get $hasRec)
        (then (local.set $z (f32x4.add (local.get $z) (v128.load (i32.add (local.get $zr) (local.get $k)))))))
      (v128.store (i32.add (local.get $gr) (local.get $k))
        (f32x4.add (local.get $z) (v128.load (i32.add (local.get $bias) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next)))
    (call $recRange (local.get $gr) (i32.shl (local.get $u4) (i32.const 1)) (local.get $rk))
    (call $tanhRange (i32.add (local.get $gr) (i32.shl (local.get $u4) (i32.const 1))) (local.get $u4))
    (call $recRange (i32.add (local.get $gr) (i32.mul (local.get $u4) (i32.const 3))) (local.get $u4) (local.get $rk))
    (local.set $k (i32.const 0))
    (block $done2 (loop $next2
      (br_if $done2 (i32.ge_u (local.get $k) (local.get $u4)))
      ;; c = f·c_prev + i·g
      (local.set $z (f32x4.add
        (f32x4.mul (v128.load (i32.add (i32.add (local.get $gr) (local.get $u4)) (local.get $k)))
                   (v128.load (i32.add (local.get $cp) (local.get $k))))
        (f32x4.mul (v128.load (i32.add (local.get $gr) (local.get $k)))
                   (v128.load (i32.add (i32.add (local.get $gr) (i32.shl (local.get $u4) (i32.const 1))) (local.get $k))))))
      (v128.store (i32.add (local.get $co) (local.get $k)) (local.get $z))
      (local.set $t (call $tanh4 (local.get $z)))
      (v128.store (i32.add (local.get $tco) (local.get $k)) (local.get $t))
      (v128.store (i32.add (local.get $ho) (local.get $k))
        (f32x4.mul (v128.load (i32.add (i32.add (local.get $gr) (i32.mul (local.get $u4) (i32.const 3))) (local.get $k)))
                   (local.get $t)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next2))))

  ;; One batch row of one backward step. dyr read when hasDy; dhs/dcs hold the later step's dh
  ;; (recurrent part) and dc, read when hasNext; dcs is overwritten with dc·f for the earlier step.
  (func (export "lstmBwdRow")
    (param $dyr i32) (param $dhs i32) (param $gr i32) (param $tcr i32) (param $cp i32)
    (param $zr i32) (param $dcs i32) (param $u4 i32) (param $hasDy i32) (param $hasNext i32) (param $rk i32)
    (local $k i32) (local $dh v128) (local $dc v128) (local $i v128) (local $f v128)
    (local $g v128) (local $o v128) (local $t v128) (local $u2 i32) (local $u3 i32)
    (local.set $u2 (i32.shl (local.get $u4) (i32.const 1)))
    (local.set $u3 (i32.mul (local.get $u4) (i32.const 3)))
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $u4)))
      (local.set $dh (v128.const f32x4 0 0 0 0))
      (if (local.get $hasDy) (then (local.set $dh (v128.load (i32.add (local.get $dyr) (local.get $k))))))
      (if (local.get $hasNext)
        (then (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dhs) (local.get $k)))))))
      (local.set $i (v128.load (i32.add (local.get $gr) (local.get $k))))
      (local.set $f (v128.load (i32.add (i32.add (local.get $gr) (local.get $u4)) (local.get $k))))
      (local.set $g (v128.load (i32.add (i32.add (local.get $gr) (local.get $u2)) (local.get $k))))
      (local.set $o (v128.load (i32.add (i32.add (local.get $gr) (local.get $u3)) (local.get $k))))
      (local.set $t (v128.load (i32.add (local.get $tcr) (local.get $k))))
      ;; dc = dh·o·(1 − t²) (+ dc of the later step)
      (local.set $dc (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o))
                                (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $t) (local.get $t)))))
      (if (local.get $hasNext)
        (then (local.set $dc (f32x4.add (local.get $dc) (v128.load (i32.add (local.get $dcs) (local.get $k)))))))
      (v128.store (i32.add (local.get $dcs) (local.get $k)) (f32x4.mul (local.get $dc) (local.get $f)))
      (v128.store (i32.add (local.get $zr) (local.get $k))
        (f32x4.mul (f32x4.mul (local.get $dc) (local.get $g)) (call $drec4 (local.get $i) (local.get $rk))))
      (v128.store (i32.add (i32.add (local.get $zr) (local.get $u4)) (local.get $k))
        (f32x4.mul (f32x4.mul (local.get $dc) (v128.load (i32.add (local.get $cp) (local.get $k)))) (call $drec4 (local.get $f) (local.get $rk))))
      (v128.store (i32.add (i32.add (local.get $zr) (local.get $u2)) (local.get $k))
        (f32x4.mul (f32x4.mul (local.get $dc) (local.get $i)) (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $g) (local.get $g)))))
      (v128.store (i32.add (i32.add (local.get $zr) (local.get $u3)) (local.get $k))
        (f32x4.mul (f32x4.mul (local.get $dh) (local.get $t)) (call $drec4 (local.get $o) (local.get $rk))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
  ;; GRU forward, part 1 of a row: z, r = hardSigmoid((x·K + b) + h·R1) over 2 gate blocks
  ;; (the h·R1 term only when hasRec), then rh = r ⊙ h_prev.
  (func (export "gruFwdRow1")
    (param $xr i32) (param $bias i32) (param $zrs i32) (param $hp i32) (param $gr i32) (param $rh i32)
    (param $u4 i32) (param $hasRec i32) (param $rk i32)
    (local $k i32) (local $n i32) (local $z v128)
    (local.set $n (i32.shl (local.get $u4) (i32.const 1)))
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
      (local.set $z (f32x4.add (v128.load (i32.add (local.get $xr) (local.get $k)))
                               (v128.load (i32.add (local.get $bias) (local.get $k)))))
      (if (local.get $hasRec)
        (then (local.set $z (f32x4.add (local.get $z) (v128.load (i32.add (local.get $zrs) (local.get $k)))))))
      (v128.store (i32.add (local.get $gr) (local.get $k)) (call $rec4 (local.get $z) (local.get $rk)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next)))
    (local.set $k (i32.const 0))
    (block $done2 (loop $next2
      (br_if $done2 (i32.ge_u (local.get $k) (local.get $u4)))
      (v128.store (i32.add (local.get $rh) (local.get $k))
        (f32x4.mul (v128.load (i32.add (i32.add (local.get $gr) (local.get $u4)) (local.get $k)))
                   (v128.load (i32.add (local.get $hp) (local.get $k)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next2))))

  ;; GRU forward, part 2 of a row: hh = tanh((x·K + b) + (r ⊙ h)·R2) into the third gate block,
  ;; h = z ⊙ h_prev + (1 − z) ⊙ hh. xr, bias and gr point at the row's first gate block.
  (func (export "gruFwdRow2")
    (param $xr i32) (param $bias i32) (param $hhs i32) (param $hp i32) (param $gr i32) (param $ho i32)
    (param $u4 i32) (param $hasRec i32)
    (local $k i32) (local $u2 i32) (local $z v128) (local $hh v128)
    (local.set $u2 (i32.shl (local.get $u4) (i32.const 1)))
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $u4)))
      (local.set $hh (f32x4.add (v128.load (i32.add (i32.add (local.get $xr) (local.get $u2)) (local.get $k)))
                                (v128.load (i32.add (i32.add (local.get $bias) (local.get $u2)) (local.get $k)))))
      (if (local.get $hasRec)
        (then (local.set $hh (f32x4.add (local.get $hh) (v128.load (i32.add (local.get $hhs) (local.get $k)))))))
      (local.set $hh (call $tanh4 (local.get $hh)))
      (v128.store (i32.add (i32.add (local.get $gr) (local.get $u2)) (local.get $k)) (local.get $hh))
      (local.set $z (v128.load (i32.add (local.get $gr) (local.get $k))))
      (v128.store (i32.add (local.get $ho) (local.get $k))
        (f32x4.add (f32x4.mul (local.get $z) (v128.load (i32.add (local.get $hp) (local.get $k))))
                   (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z)) (local.get $hh))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; GRU backward, part A of a row: dh = dY (when hasDy) + dhs + mms (when hasNext);
  ;; dz_z and dz_h into dZ (gate blocks 0 and 2) and the contiguous scratches dzr (block 0 of 2)
  ;; and dzh; dhs = dh ⊙ z (the direct part of dh_prev).
  (func (export "gruBwdRowA")
    (param $dyr i32) (param $dhs i32) (param $mms i32) (param $gr i32) (param $hp i32)
    (param $zr i32) (param $dzr i32) (param $dzh i32) (param $u4 i32) (param $hasDy i32) (param $hasNext i32)
    (param $rk i32)
    (local $k i32) (local $u2 i32) (local $dh v128) (local $z v128) (local $hh v128) (local $v v128)
    (local.set $u2 (i32.shl (local.get $u4) (i32.const 1)))
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $u4)))
      (local.set $dh (v128.const f32x4 0 0 0 0))
      (if (local.get $hasDy) (then (local.set $dh (v128.load (i32.add (local.get $dyr) (local.get $k))))))
      (if (local.get $hasNext)
        (then (local.set $dh (f32x4.add (local.get $dh)
          (f32x4.add (v128.load (i32.add (local.get $dhs) (local.get $k))) (v128.load (i32.add (local.get $mms) (local.get $k))))))))
      (local.set $z (v128.load (i32.add (local.get $gr) (local.get $k))))
      (local.set $hh (v128.load (i32.add (i32.add (local.get $gr) (local.get $u2)) (local.get $k))))
      (local.set $v (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (v128.load (i32.add (local.get $hp) (local.get $k))) (local.get $hh)))
                               (call $drec4 (local.get $z) (local.get $rk))))
      (v128.store (i32.add (local.get $zr) (local.get $k)) (local.get $v))
      (v128.store (i32.add (local.get $dzr) (local.get $k)) (local.get $v))
      (local.set $v (f32x4.mul (f32x4.mul (local.get $dh) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z)))
                               (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $hh) (local.get $hh)))))
      (v128.store (i32.add (i32.add (local.get $zr) (local.get $u2)) (local.get $k)) (local.get $v))
      (v128.store (i32.add (local.get $dzh) (local.get $k)) (local.get $v))
      (v128.store (i32.add (local.get $dhs) (local.get $k)) (f32x4.mul (local.get $dh) (local.get $z)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))

  ;; GRU backward, part B of a row (after drh = dzh·R2ᵀ): dz_r = drh ⊙ h_prev ⊙ r' into dZ
  ;; (gate block 1) and dzr (block 1 of 2); dhs += drh ⊙ r.
  (func (export "gruBwdRowB")
    (param $drh i32) (param $gr i32) (param $hp i32) (param $zr i32) (param $dzr i32) (param $dhs i32) (param $u4 i32)
    (param $rk i32)
    (local $k i32) (local $d v128) (local $r v128) (local $v v128)
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $u4)))
      (local.set $d (v128.load (i32.add (local.get $drh) (local.get $k))))
      (local.set $r (v128.load (i32.add (i32.add (local.get $gr) (local.get $u4)) (local.get $k))))
      (local.set $v (f32x4.mul (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $hp) (local.get $k))))
                               (call $drec4 (local.get $r) (local.get $rk))))
      (v128.store (i32.add (i32.add (local.get $zr) (local.get $u4)) (local.get $k)) (local.get $v))
      (v128.store (i32.add (i32.add (local.get $dzr) (local.get $u4)) (local.get $k)) (local.get $v))
      (v128.store (i32.add (local.get $dhs) (local.get $k))
        (f32x4.add (v128.load (i32.add (local.get $dhs) (local.get $k))) (f32x4.mul (local.get $d) (local.get $r))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
  ;; SimpleRNN forward over n bytes (all rows of a step at once): h = tanh((x·K + b) + h·R),
  ;; the bias repeating every u4 bytes.
  (func (export "simpleFwd")
    (param $xr i32) (param $bias i32) (param $zs i32) (param $ho i32) (param $n i32) (param $u4 i32) (param $hasRec i32)
    (local $k i32) (local $j i32) (local $z v128)
    (local.set $k (i32.const 0))
    (local.set $j (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
      (local.set $z (f32x4.add (v128.load (i32.add (local.get $xr) (local.get $k)))
                               (v128.load (i32.add (local.get $bias) (local.get $j)))))
      (if (local.get $hasRec)
        (then (local.set $z (f32x4.add (local.get $z) (v128.load (i32.add (local.get $zs) (local.get $k)))))))
      (v128.store (i32.add (local.get $ho) (local.get $k)) (call $tanh4 (local.get $z)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (if (i32.ge_u (local.get $j) (local.get $u4)) (then (local.set $j (i32.const 0))))
      (br $next))))

  ;; SimpleRNN backward over n bytes: dz = (dY (when hasDy) + dhs (when hasNext)) ⊙ (1 − h²)
  (func (export "simpleBwd")
    (param $dyr i32) (param $dhs i32) (param $hr i32) (param $zr i32) (param $n i32) (param $hasDy i32) (param $hasNext i32)
    (local $k i32) (local $dh v128) (local $h v128)
    (local.set $k (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
      (local.set $dh (v128.const f32x4 0 0 0 0))
      (if (local.get $hasDy) (then (local.set $dh (v128.load (i32.add (local.get $dyr) (local.get $k))))))
      (if (local.get $hasNext)
        (then (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dhs) (local.get $k)))))))
      (local.set $h (v128.load (i32.add (local.get $hr) (local.get $k))))
      (v128.store (i32.add (local.get $zr) (local.get $k))
        (f32x4.mul (local.get $dh) (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $h) (local.get $h)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $next))))
)
