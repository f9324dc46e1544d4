#!/usr/bin/perl
# Runs TAP test files in JOBS parallel slots with one sequential lane:
#   lanes.pl JOBS 'LANE-FILE...' FILE...
# The files of LANE-FILE run one after another in a slot of their own
# from the start (they mostly wait on a VM or podman, and must not run
# together); the other files fill the remaining slots in the order given.
# prove's --rules cannot say this: it starts such a sequence last.
use strict;
use warnings;
use TAP::Harness;

my ($jobs, $lane, @files) = @ARGV;
my %in_lane = map { $_ => 1 } split ' ', $lane;
my @lane = grep { $in_lane{$_} } @files;
my @rest = grep { !$in_lane{$_} } @files;
my $rules = @lane && $jobs > 1 ? { par => [ { seq => \@lane }, { par => \@rest } ] } : { seq => \@files };
my $harness = TAP::Harness->new({ jobs => $jobs, exec => [], timer => 1, rules => $rules });
my $aggregate = $harness->runtests(@files);
exit($aggregate->all_passed ? 0 : 1);
