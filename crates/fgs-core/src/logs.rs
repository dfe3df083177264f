//! Function logs in LTS (seed §5.9): log group and stream ids.
