# SPDX-License-Identifier: GPL-2.0
# Shared by the shell selftests: checks that print "ok N - ..." or
# "not ok N - ...", and finish, whose exit status is 0 only if all passed.
# shellcheck shell=bash

XTCP_BIN=${XTCP_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin}
ktest_n=0
ktest_failed=0

ktest_result() {
	local ok=$1
	shift
	ktest_n=$((ktest_n + 1))
	if [[ $ok -eq 1 ]]; then
		echo "ok $ktest_n - $*"
	else
		echo "not ok $ktest_n - $*"
		ktest_failed=$((ktest_failed + 1))
	fi
}

# expect_ok CMD... / expect_fail CMD...: CMD's exit status is (not) 0.
expect_status() {
	local want=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [[ $want == ok ]]; then
		[[ $rc -eq 0 ]] && ktest_result 1 "$*" || ktest_result 0 "$* failed: $out"
	else
		[[ $rc -ne 0 ]] && ktest_result 1 "$* fails: $out" || ktest_result 0 "$* succeeded, should fail"
	fi
}

expect_ok() { expect_status ok "$@"; }
expect_fail() { expect_status fail "$@"; }

# expect_errno CMD... -- ERRNAME: CMD (an xtcp helper) prints the errno name it got.
expect_errno() {
	local args=() want out
	while [[ $1 != -- ]]; do args+=("$1"); shift; done
	want=$2
	out=$("${args[@]}" 2>&1)
	if [[ $out == *"$want"* ]]; then
		ktest_result 1 "${args[*]}: $want"
	else
		ktest_result 0 "${args[*]}: got '$out', want $want"
	fi
}

expect_eq() {
	if [[ $1 == "$2" ]]; then
		ktest_result 1 "$3"
	else
		ktest_result 0 "$3: got '$1', want '$2'"
	fi
}

expect_absent() {
	if [[ -e $1 ]]; then
		ktest_result 0 "$2: $1 exists"
	else
		ktest_result 1 "$2"
	fi
}

finish() {
	echo "# $ktest_n checks, $ktest_failed failed"
	[[ $ktest_n -gt 0 && $ktest_failed -eq 0 ]]
}
