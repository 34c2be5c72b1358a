"""The view engine: plans a profile's relation tree, runs its source calls and assembles the view;
merges identical views in flight."""
