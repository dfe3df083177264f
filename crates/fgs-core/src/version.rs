//! Published versions (seed §5.7.6, §5.7.7).

