;; The level meter's per-sample work, two channels at once (one per f64x2 lane): sample peak, sum
;; of squares, K-weighted sum of squares (BS.1770's two biquads, in direct form I: only one
;; multiply-add per filter waits on the previous output), and the frames whose |x| passes the
;; true-peak gate. Three times as fast as the same loop in JavaScript.
;; Rebuild level-kernel.wasm.ts after an edit: npm run build:kernel (a unit test checks it).
;;
;; Memory at 0: the ten coefficients, each in both lanes (b0 b1 b2 a1 a2 c0 c1 c2 d1 d2).
;; At $state: x1 x2 y1 y2 z1 z2 peak squares weighted (f64x2 each), then the two counts (i32).
(module
  (import "env" "memory" (memory 1))
  ;; Frames from $src, $stride bytes apart; the right lane reads $right bytes after the left.
  (func (export "pair")
    (param $src i32) (param $frames i32) (param $stride i32) (param $right i32)
    (param $gateL f64) (param $gateR f64) (param $state i32) (param $candL i32) (param $candR i32)
    (local $n i32) (local $p i32) (local $cl i32) (local $cr i32)
    (local $v v128) (local $a v128) (local $m v128) (local $g v128)
    (local $x1 v128) (local $x2 v128) (local $y1 v128) (local $y2 v128) (local $z1 v128) (local $z2 v128)
    (local $y v128) (local $z v128) (local $peak v128) (local $sq v128) (local $w v128)
    (local.set $g (f64x2.replace_lane 1 (f64x2.splat (local.get $gateL)) (local.get $gateR)))
    (local.set $x1 (v128.load offset=0 (local.get $state)))
    (local.set $x2 (v128.load offset=16 (local.get $state)))
    (local.set $y1 (v128.load offset=32 (local.get $state)))
    (local.set $y2 (v128.load offset=48 (local.get $state)))
    (local.set $z1 (v128.load offset=64 (local.get $state)))
    (local.set $z2 (v128.load offset=80 (local.get $state)))
    (local.set $peak (v128.load offset=96 (local.get $state)))
    (local.set $sq (v128.load offset=112 (local.get $state)))
    (local.set $w (v128.load offset=128 (local.get $state)))
    (local.set $p (local.get $src))
    (block $done
      (br_if $done (i32.eqz (local.get $frames)))
      (loop $frame
        (local.set $v
          (f64x2.replace_lane 1
            (f64x2.splat (f64.promote_f32 (f32.load (local.get $p))))
            (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $right))))))
        (local.set $a (f64x2.abs (local.get $v)))
        (local.set $peak (f64x2.pmax (local.get $peak) (local.get $a)))
        (local.set $m (f64x2.gt (local.get $a) (local.get $g)))
        (if (v128.any_true (local.get $m))
          (then
            (if (i32.wrap_i64 (i64x2.extract_lane 0 (local.get $m))) (then
              (i32.store (i32.add (local.get $candL) (i32.shl (local.get $cl) (i32.const 2))) (local.get $n))
              (local.set $cl (i32.add (local.get $cl) (i32.const 1)))))
            (if (i32.wrap_i64 (i64x2.extract_lane 1 (local.get $m))) (then
              (i32.store (i32.add (local.get $candR) (i32.shl (local.get $cr) (i32.const 2))) (local.get $n))
              (local.set $cr (i32.add (local.get $cr) (i32.const 1)))))))
        (local.set $sq (f64x2.add (local.get $sq) (f64x2.mul (local.get $v) (local.get $v))))
        (local.set $y
          (f64x2.sub
            (f64x2.sub
              (f64x2.add
                (f64x2.add (f64x2.mul (v128.load offset=0 (i32.const 0)) (local.get $v)) (f64x2.mul (v128.load offset=16 (i32.const 0)) (local.get $x1)))
                (f64x2.mul (v128.load offset=32 (i32.const 0)) (local.get $x2)))
              (f64x2.mul (v128.load offset=64 (i32.const 0)) (local.get $y2)))
            (f64x2.mul (v128.load offset=48 (i32.const 0)) (local.get $y1))))
        (local.set $z
          (f64x2.sub
            (f64x2.sub
              (f64x2.add
                (f64x2.add (f64x2.mul (v128.load offset=80 (i32.const 0)) (local.get $y)) (f64x2.mul (v128.load offset=96 (i32.const 0)) (local.get $y1)))
                (f64x2.mul (v128.load offset=112 (i32.const 0)) (local.get $y2)))
              (f64x2.mul (v128.load offset=144 (i32.const 0)) (local.get $z2)))
            (f64x2.mul (v128.load offset=128 (i32.const 0)) (local.get $z1))))
        (local.set $x2 (local.get $x1))
        (local.set $x1 (local.get $v))
        (local.set $y2 (local.get $y1))
        (local.set $y1 (local.get $y))
        (local.set $z2 (local.get $z1))
        (local.set $z1 (local.get $z))
        (local.set $w (f64x2.add (local.get $w) (f64x2.mul (local.get $z) (local.get $z))))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $frame (i32.lt_u (local.get $n) (local.get $frames)))))
    (v128.store offset=0 (local.get $state) (local.get $x1))
    (v128.store offset=16 (local.get $state) (local.get $x2))
    (v128.store offset=32 (local.get $state) (local.get $y1))
    (v128.store offset=48 (local.get $state) (local.get $y2))
    (v128.store offset=64 (local.get $state) (local.get $z1))
    (v128.store offset=80 (local.get $state) (local.get $z2))
    (v128.store offset=96 (local.get $state) (local.get $peak))
    (v128.store offset=112 (local.get $state) (local.get $sq))
    (v128.store offset=128 (local.get $state) (local.get $w))
    (i32.store offset=144 (local.get $state) (local.get $cl))
    (i32.store offset=148 (local.get $state) (local.get $cr))))
