DROP TABLE review_notices;
DROP TABLE reviews;
