// The rotations of Ascon's linear layer (NIST SP 800-232, §3.2): word w
// becomes x ^ (x >>> rot_a(w)) ^ (x >>> rot_b(w)). Included inside the
// modules that compute the layer (ascon_perm, ascon_aead128).
function integer rot_a;
    input integer w;
    rot_a = (w == 0) ? 19 : (w == 1) ? 39 : (w == 2) ? 1 : (w == 3) ? 10 : 7;
endfunction
function integer rot_b;
    input integer w;
    rot_b = (w == 0) ? 28 : (w == 1) ? 61 : (w == 2) ? 6 : (w == 3) ? 17 : 41;
endfunction
