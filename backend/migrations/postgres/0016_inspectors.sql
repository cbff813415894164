-- An inspector's certificate number (执法证号): inspectors are a role of their own now.
ALTER TABLE staff ADD COLUMN certificate TEXT;
